#include "export/csv.hpp"

#include <array>
#include <charconv>
#include <istream>
#include <iterator>
#include <ostream>

#include "common/error.hpp"
#include "export/record_json.hpp"
#include "metrics/span_rate.hpp"

namespace archscope::prof {

namespace {

constexpr std::array<const char*, 11> kColumns = {"step",  "phase",       "layer",       "op",
                                                  "kind",  "start_ns",    "duration_ns", "flops",
                                                  "bytes", "gflop_per_s", "gb_per_s"};

std::string shortest(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : "0";
}

std::string where_line(size_t line) {
  return "csv line " + std::to_string(line);
}

template <class T>
T parse_number(const std::string& s, size_t line, const char* column) {
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty())
    throw Error(ErrorKind::Parse, where_line(line) + ": " + column,
                "not an integer: \"" + s + "\"");
  return v;
}

}  // namespace

std::string csv_field(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void write_spans_csv(std::ostream& out, const std::vector<SpanRecord>& spans) {
  for (size_t i = 0; i < kColumns.size(); ++i) out << (i ? "," : "") << kColumns[i];
  out << "\r\n";
  for (const SpanRecord& s : spans) {
    const SpanRate r = span_rate(s);
    out << s.step << ',' << to_string(s.phase) << ',' << s.layer << ',' << csv_field(s.op) << ','
        << csv_field(s.kind) << ',' << s.start_ns << ',' << s.duration_ns << ',' << s.flops << ','
        << s.bytes << ',' << shortest(r.gflop_per_s) << ',' << shortest(r.gb_per_s) << "\r\n";
  }
  if (!out) throw Error(ErrorKind::System, "csv export", "write failed");
}

std::vector<std::vector<std::string>> parse_csv(std::istream& in) {
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  size_t line = 1, quoted_from = 0;
  bool quoted = false;       // inside a quoted field
  bool after_quote = false;  // a quoted field just closed: only , or a line end may follow
  bool any = false;          // the current record has started
  auto end_field = [&] {
    record.push_back(std::move(field));
    field.clear();
    after_quote = false;
  };
  auto end_record = [&] {
    end_field();
    records.push_back(std::move(record));
    record.clear();
    any = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == ',') {
      end_field();
      any = true;
    } else if (c == '\n' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      if (c == '\r') ++i;
      if (any || !record.empty()) end_record();  // blank lines are skipped
      ++line;
    } else if (after_quote) {
      throw Error(ErrorKind::Parse, where_line(line), "text after a closing quote");
    } else if (c == '"' && field.empty()) {
      quoted = true;
      quoted_from = line;
      any = true;
    } else {
      field += c;
      any = true;
    }
  }
  if (quoted) throw Error(ErrorKind::Parse, where_line(quoted_from), "unterminated quoted field");
  if (any || !field.empty() || !record.empty()) end_record();
  return records;
}

std::vector<SpanRecord> read_spans_csv(std::istream& in) {
  const auto records = parse_csv(in);
  if (records.empty()) throw Error(ErrorKind::Parse, where_line(1), "no header");
  if (records[0].size() != kColumns.size())
    throw Error(ErrorKind::Parse, where_line(1),
                "expected " + std::to_string(kColumns.size()) + " columns");
  for (size_t c = 0; c < kColumns.size(); ++c)
    if (records[0][c] != kColumns[c])
      throw Error(ErrorKind::Parse, where_line(1),
                  std::string("expected column \"") + kColumns[c] + "\"");
  std::vector<SpanRecord> spans;
  // Record numbers equal line numbers only without embedded line breaks; good enough to find it.
  for (size_t r = 1; r < records.size(); ++r) {
    const auto& f = records[r];
    const size_t line = r + 1;
    if (f.size() != kColumns.size())
      throw Error(
          ErrorKind::Parse, where_line(line),
          std::to_string(f.size()) + " fields, expected " + std::to_string(kColumns.size()));
    SpanRecord s;
    s.step = parse_number<int64_t>(f[0], line, "step");
    if (!parse_phase(f[1], s.phase))
      throw Error(ErrorKind::Parse, where_line(line) + ": phase", "\"" + f[1] + "\"");
    s.layer = parse_number<int32_t>(f[2], line, "layer");
    s.op = f[3];
    s.kind = f[4];
    s.start_ns = parse_number<int64_t>(f[5], line, "start_ns");
    s.duration_ns = parse_number<int64_t>(f[6], line, "duration_ns");
    s.flops = parse_number<uint64_t>(f[7], line, "flops");
    s.bytes = parse_number<uint64_t>(f[8], line, "bytes");
    spans.push_back(std::move(s));
  }
  return spans;
}

}  // namespace archscope::prof
