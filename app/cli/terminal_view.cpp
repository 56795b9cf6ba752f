#include "cli/terminal_view.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <variant>

namespace archscope::cli {

namespace {

std::string layer_label(int32_t layer, int32_t last) {
  if (layer < 0) return "embed";
  if (layer == last) return "head";
  return "L" + std::to_string(layer);
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

constexpr int kBarWidth = 30;
constexpr int kMaxLayerRows = 24;  // beyond this, the slowest layers only

}  // namespace

TerminalView::TerminalView(std::ostream& out, bool terminal, int64_t total_steps)
    : out_(out), terminal_(terminal), total_steps_(std::max<int64_t>(1, total_steps)) {}

std::string TerminalView::progress_line() const {
  const int filled = static_cast<int>(kBarWidth * steps_done_ / total_steps_);
  std::string bar = "[" + std::string(static_cast<size_t>(filled), '#') +
                    std::string(static_cast<size_t>(kBarWidth - filled), '.') + "]";
  std::string line = bar + " step " + std::to_string(steps_done_) + "/" + std::to_string(total_steps_);
  if (prefill_tokens_per_s_ > 0) line += "  prefill " + fmt("%.1f", prefill_tokens_per_s_) + " tok/s";
  if (decode_ns_ > 0) {
    line += "  decode " + fmt("%.1f", static_cast<double>(decode_tokens_) * 1e9 / static_cast<double>(decode_ns_)) +
            " tok/s, " + fmt("%.2f", static_cast<double>(decode_ns_) / 1e6 / static_cast<double>(decode_steps_)) +
            " ms/step";
  }
  return line;
}

std::string TerminalView::frame() const {
  std::ostringstream f;
  f << progress_line() << "\n";
  if (layer_ns_.empty()) return f.str();
  int64_t total = 0, top = 0;
  for (const auto& [l, ns] : layer_ns_) {
    total += ns;
    top = std::max(top, ns);
  }
  f << "step " << layer_steps_ << " per layer (" << fmt("%.3f", static_cast<double>(total) / 1e6) << " ms in ops):\n";
  std::vector<std::pair<int32_t, int64_t>> rows(layer_ns_.begin(), layer_ns_.end());
  if (rows.size() > static_cast<size_t>(kMaxLayerRows)) {
    std::partial_sort(rows.begin(), rows.begin() + kMaxLayerRows, rows.end(),
                      [](const auto& a, const auto& b) { return a.second > b.second; });
    rows.resize(kMaxLayerRows);
    std::sort(rows.begin(), rows.end());
  }
  const int32_t last = layer_ns_.rbegin()->first;
  for (const auto& [l, ns] : rows) {
    const int w = top > 0 ? static_cast<int>(20 * ns / top) : 0;
    char buf[128];
    std::snprintf(buf, sizeof buf, "  %-6s %9.3f ms %5.1f%% %s", layer_label(l, last).c_str(),
                  static_cast<double>(ns) / 1e6, total > 0 ? 100.0 * static_cast<double>(ns) / static_cast<double>(total) : 0.0,
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

void TerminalView::on_step(const prof::StepRecord& s) {
  ++steps_done_;
  last_ms_ = static_cast<double>(s.duration_ns) / 1e6;
  const double tps = s.duration_ns > 0 ? static_cast<double>(s.tokens) * 1e9 / static_cast<double>(s.duration_ns) : 0;
  if (s.phase == prof::Phase::Prefill) {
    prefill_tokens_per_s_ = tps;
    if (!terminal_) {
      out_ << "prefill: " << s.tokens << " tokens in " << fmt("%.3f", last_ms_ / 1e3) << " s (" << fmt("%.1f", tps)
           << " tok/s), KV " << s.kv_used_bytes << " bytes used" << std::endl;
    }
  } else {
    ++decode_steps_;
    decode_tokens_ += s.tokens;
    decode_ns_ += s.duration_ns;
    const int64_t decode_total = total_steps_ - 1;
    const int64_t decile = decode_total > 0 ? 10 * decode_steps_ / decode_total : 10;
    if (!terminal_ && decile != last_plain_decile_) {
      last_plain_decile_ = decile;
      out_ << "decode: step " << decode_steps_ << "/" << decode_total << ", " << fmt("%.2f", last_ms_)
           << " ms/step, " << fmt("%.1f", static_cast<double>(decode_tokens_) * 1e9 / static_cast<double>(decode_ns_))
           << " tok/s so far, KV " << s.kv_used_bytes << " bytes used" << std::endl;
    }
  }
  if (terminal_) draw(steps_done_ == total_steps_);
}

void TerminalView::on_event(const prof::Event& e) {
  if (const auto* st = std::get_if<prof::RunStarted>(&e)) {
    model_ = st->run.model;
    out_ << "run " << st->run.id << " (" << st->run.name << "): " << st->run.model << ", batch " << st->run.batch
         << ", prompt " << st->run.prompt_tokens << ", new " << st->run.new_tokens << ", " << st->run.device
         << std::endl;
  } else if (const auto* b = std::get_if<prof::SpanBatch>(&e)) {
    if (!b->spans.empty() && b->spans.front().step != layer_steps_) {
      layer_ns_.clear();
      layer_steps_ = b->spans.front().step;
    }
    for (const prof::SpanRecord& s : b->spans) layer_ns_[s.layer] += s.duration_ns;
  } else if (const auto* s = std::get_if<prof::StepFinished>(&e)) {
    on_step(s->step);
  } else if (const auto* f = std::get_if<prof::RunFinished>(&e)) {
    if (terminal_) draw(true);
    out_ << "run " << f->run.id << " complete: prefill " << fmt("%.1f", f->summary.prefill_tokens_per_s)
         << " tok/s, decode " << fmt("%.1f", f->summary.decode_tokens_per_s) << " tok/s ("
         << fmt("%.2f", f->summary.decode_ms_per_token_mean) << " ms/token mean, p50 "
         << fmt("%.2f", f->summary.decode_ms_per_token_p50) << ")";
    if (f->events_dropped > 0) out_ << "; the view missed " << f->events_dropped << " events";
    out_ << std::endl;
  } else if (const auto* x = std::get_if<prof::RunFailed>(&e)) {
    if (terminal_) draw(true);
    out_ << "run " << x->run.id << " " << prof::to_string(x->run.status) << ": " << x->reason << std::endl;
  }
}

}  // namespace archscope::cli
