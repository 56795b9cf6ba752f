#include "cli/terminal_view.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <variant>
#include <vector>

#include "report/text_format.hpp"

namespace archscope::cli {

namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

constexpr int kBarWidth = 30;
constexpr int kMaxLayerRows = 24;  // beyond this, the slowest layers only
constexpr size_t kTextLines = 4;   // generated text: its last lines, each at most kTextWidth
constexpr size_t kTextWidth = 72;  // code points, so a frame line never wraps on 80 columns

// The last `lines` lines of `text`, control characters shown as spaces, each line cut to its
// last kTextWidth code points (a frame line must not wrap: the redraw counts lines).
std::vector<std::string> text_tail(const std::string& text, size_t lines) {
  std::vector<std::string> out(1);
  std::vector<size_t> widths(1, 0);
  for (const char c : text) {
    if (c == '\n') {
      out.emplace_back();
      widths.push_back(0);
      continue;
    }
    const auto u = static_cast<unsigned char>(c);
    out.back() += u < 0x20 || u == 0x7F ? ' ' : c;
    if ((u & 0xC0) != 0x80) ++widths.back();
  }
  if (out.size() > lines) {
    out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(lines));
    widths.erase(widths.begin(), widths.end() - static_cast<std::ptrdiff_t>(lines));
  }
  for (size_t i = 0; i < out.size(); ++i) {
    size_t cut = 0;  // byte offset after dropping the first (width - kTextWidth + 1) code points
    for (size_t drop = widths[i] > kTextWidth ? widths[i] - kTextWidth + 1 : 0; drop > 0; --drop) {
      do ++cut;
      while (cut < out[i].size() && (static_cast<unsigned char>(out[i][cut]) & 0xC0) == 0x80);
    }
    if (cut > 0) out[i] = "\u2026" + out[i].substr(cut);  // …
  }
  return out;
}

}  // namespace

TerminalView::TerminalView(std::ostream& out, bool terminal) : out_(out), terminal_(terminal) {}

std::string TerminalView::progress_line() const {
  const views::live::LiveState& s = fold_.state();
  const int64_t total = std::max<int64_t>(1, s.total_steps);
  const int filled = static_cast<int>(kBarWidth * std::min(s.steps_done, total) / total);
  std::string line = "[" + std::string(static_cast<size_t>(filled), '#') +
                     std::string(static_cast<size_t>(kBarWidth - filled), '.') + "] step " +
                     std::to_string(s.steps_done) + "/" + std::to_string(total);
  if (s.prefill_tokens_per_s() > 0)
    line += "  prefill " + fmt("%.1f", s.prefill_tokens_per_s()) + " tok/s";
  if (s.decode.steps > 0) {
    line += "  decode " + fmt("%.1f", s.decode_tokens_per_s()) + " tok/s, " +
            fmt("%.2f", s.decode_ms_per_step()) + " ms/step, " +
            fmt("%.3f", s.decode_ms_per_token()) + " ms/token";
  }
  return line;
}

std::string TerminalView::frame() const {
  const views::live::LiveState& s = fold_.state();
  std::ostringstream f;
  f << progress_line() << "\n";
  {
    const std::lock_guard<std::mutex> lock(text_mutex_);
    if (!text_.empty()) {
      f << "text:\n";
      for (const std::string& line : text_tail(text_, kTextLines)) f << "  " << line << "\n";
    }
  }
  if (s.in_flight) {
    const prof::StepProgress& p = *s.in_flight;
    f << (p.warmup ? "warm-up pass " + std::to_string(p.pass + 1) + ": " : std::string())
      << prof::to_string(p.phase) << " step " << p.step << ": layer " << p.layers_done << "/"
      << p.layers << "\n";
  }
  if (s.layers.empty()) return f.str();
  std::vector<std::pair<int32_t, int64_t>> rows;
  int64_t total = 0, top = 0;
  for (const auto& [layer, kinds] : s.layers) {
    int64_t ns = 0;
    for (const auto& [kind, v] : kinds) ns += v;
    rows.emplace_back(layer, ns);
    total += ns;
    top = std::max(top, ns);
  }
  f << "step " << s.layers_step << " per layer (" << fmt("%.3f", static_cast<double>(total) / 1e6)
    << " ms in ops):\n";
  if (rows.size() > static_cast<size_t>(kMaxLayerRows)) {
    std::partial_sort(rows.begin(), rows.begin() + kMaxLayerRows, rows.end(),
                      [](const auto& a, const auto& b) { return a.second > b.second; });
    rows.resize(kMaxLayerRows);
    std::sort(rows.begin(), rows.end());
  }
  for (const auto& [l, ns] : rows) {
    const int w = top > 0 ? static_cast<int>(20 * ns / top) : 0;
    char buf[128];
    std::snprintf(buf, sizeof buf, "  %-6s %9.3f ms %5.1f%% %s",
                  views::live::layer_label(l, s.n_layers).c_str(), static_cast<double>(ns) / 1e6,
                  total > 0 ? 100.0 * static_cast<double>(ns) / static_cast<double>(total) : 0.0,
                  std::string(static_cast<size_t>(w), '|').c_str());
    f << buf << "\n";
  }
  return f.str();
}

void TerminalView::draw(bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const std::string f = frame();
  // Back to the top of the previous frame, then every line rewritten and cleared to its end.
  if (drawn_lines_ > 0) out_ << "\r\x1b[" << drawn_lines_ << "A";
  int lines = 0;
  std::string line;
  std::istringstream in(f);
  while (std::getline(in, line)) {
    out_ << "\x1b[2K" << line << "\n";
    ++lines;
  }
  // A shorter frame leaves old lines below: clear them.
  for (int i = lines; i < drawn_lines_; ++i) out_ << "\x1b[2K\n";
  if (drawn_lines_ > lines) out_ << "\x1b[" << (drawn_lines_ - lines) << "A";
  drawn_lines_ = lines;
  out_.flush();
}

void TerminalView::append_text(const std::string& chunk) {
  const std::lock_guard<std::mutex> lock(text_mutex_);
  text_ += chunk;
}

void TerminalView::on_step() {
  const views::live::LiveState& s = fold_.state();
  const views::live::StepPoint& p = *s.last_step;
  if (terminal_) {
    draw(s.steps_done == s.total_steps);
    return;
  }
  const std::string kv = "KV " + text::bytes_exact(p.kv_used_bytes) + " used";
  if (p.phase == prof::Phase::Prefill) {
    out_ << "prefill: " << p.tokens << " tokens in " << fmt("%.3f", p.ms / 1e3) << " s ("
         << fmt("%.1f", p.tokens_per_s) << " tok/s), " << kv << std::endl;
    return;
  }
  const int64_t per_pass = s.run.new_tokens;
  const int64_t in_pass = per_pass > 0 ? (s.decode.steps - 1) % per_pass + 1 : s.decode.steps;
  const int64_t decile = per_pass > 0 ? 10 * in_pass / per_pass : 10;
  if (decile == last_plain_decile_) return;
  last_plain_decile_ = decile;
  out_ << "decode: step " << in_pass << "/" << per_pass << ", " << fmt("%.2f", p.ms) << " ms/step ("
       << fmt("%.3f", p.tokens > 0 ? p.ms / static_cast<double>(p.tokens) : 0.0) << " ms/token), "
       << fmt("%.1f", s.decode_tokens_per_s()) << " tok/s so far, " << kv << std::endl;
}

void TerminalView::on_event(const prof::Event& e) {
  fold_.apply(e);
  const views::live::LiveState& s = fold_.state();
  if (std::holds_alternative<prof::RunStarted>(e)) {
    const prof::RunInfo& r = s.run;
    out_ << "run " << r.id << " (" << r.name << "): " << r.model << ", batch " << r.batch
         << ", prompt " << r.prompt_tokens << ", new " << r.new_tokens << ", " << r.device;
    if (r.warmup > 0 || r.repeat > 1)
      out_ << ", " << r.warmup << " warm-up + " << r.repeat << " measured passes";
    if (!r.checks) out_ << ", numeric checks off";
    // A slice's figures are the slice's own; the whole-model estimate follows the run.
    if (r.sliced())
      out_ << ", only layers " << r.layer_first << ".." << r.layer_last << " (a slice)";
    out_ << std::endl;
  } else if (std::holds_alternative<prof::StepFinished>(e)) {
    on_step();
  } else if (const auto* p = std::get_if<prof::StepProgress>(&e)) {
    if (terminal_) {
      draw(false);
    } else if (p->warmup && p->step == 0 && p->layers_done == 0) {
      out_ << "warm-up: pass " << p->pass + 1 << " of " << s.run.warmup << " (not recorded)"
           << std::endl;
    } else if (const auto now = std::chrono::steady_clock::now();
               now - last_progress_ >= std::chrono::seconds(1)) {
      // A long step in a log: a line a second at most.
      last_progress_ = now;
      out_ << (p->warmup ? "warm-up " : "") << prof::to_string(p->phase) << " step " << p->step
           << ": " << p->layers_done << " of " << p->layers << " layers done" << std::endl;
    }
  } else if (const auto* f = std::get_if<prof::RunFinished>(&e)) {
    if (terminal_) draw(true);
    const prof::RunSummary& m = f->summary;
    out_ << "run " << f->run.id << " complete: prefill " << fmt("%.1f", m.prefill_tokens_per_s)
         << " tok/s, decode " << fmt("%.1f", m.decode_tokens_per_s) << " tok/s ("
         << fmt("%.3f", m.decode_ms_per_step_mean) << " ms/step mean, "
         << fmt("%.3f", m.decode_ms_per_token_mean) << " ms/token at batch "
         << m.tokens_per_decode_step << ")";
    if (m.passes > 1) out_ << ", medians of " << m.passes << " passes";
    if (s.events_dropped > 0) out_ << "; the view missed " << s.events_dropped << " events";
    out_ << std::endl;
  } else if (const auto* x = std::get_if<prof::RunFailed>(&e)) {
    if (terminal_) draw(true);
    out_ << "run " << x->run.id << " " << prof::to_string(x->run.status) << ": " << x->reason << std::endl;
  }
}

}  // namespace archscope::cli
