// Spans as CSV for spreadsheets and pandas: a header row, then one span per line, fields quoted
// per RFC 4180 (a field holding a comma, a double quote, CR or LF is enclosed in double quotes,
// inner quotes doubled; records end in CRLF). Columns:
//   step,phase,layer,op,kind,start_ns,duration_ns,flops,bytes,gflop_per_s,gb_per_s
// The last two are derived (metrics/span_rate.hpp), written in shortest round-trip form.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "model/run_records.hpp"

namespace archscope::prof {

// The field as it appears in a CSV record: quoted only when it must be.
std::string csv_field(const std::string& value);

void write_spans_csv(std::ostream& out, const std::vector<SpanRecord>& spans);

// RFC 4180 reader: records of fields, quotes undone. Accepts CRLF or LF line ends and a missing
// final line end; skips blank lines. Throws Error(Parse, "csv line N") for an unterminated
// quoted field or text after a closing quote.
std::vector<std::vector<std::string>> parse_csv(std::istream& in);

// Reads write_spans_csv output back (derived columns ignored). Throws Error(Parse, "csv line N")
// for a wrong header, a wrong field count or a malformed number.
std::vector<SpanRecord> read_spans_csv(std::istream& in);

}  // namespace archscope::prof
