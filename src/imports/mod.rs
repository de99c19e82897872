//! Streaming imports from files.
pub mod register_csv;
pub mod social_care;
pub mod ssd;

use std::io::Read;

/// Refuses input with a line longer than `limit` bytes, so a broken or hostile file (one 100 MB
/// line, a binary) fails fast in bounded memory instead of being buffered whole.
pub struct LineLimit<R> {
    inner: R,
    run: usize,
    limit: usize,
    pub bytes_read: u64,
}

impl<R: Read> LineLimit<R> {
    pub fn new(inner: R, limit: usize) -> Self {
        LineLimit {
            inner,
            run: 0,
            limit,
            bytes_read: 0,
        }
    }
}

impl<R: Read> Read for LineLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            if b == b'\n' {
                self.run = 0;
            } else {
                self.run += 1;
                if self.run > self.limit {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("a line is longer than {} KB: this does not look like a register CSV file", self.limit / 1024),
                    ));
                }
            }
        }
        self.bytes_read += n as u64;
        Ok(n)
    }
}

/// A CSV file's header line, lower-cased and trimmed (a UTF-8 byte-order mark is dropped), with
/// each column's position. Err names the required columns that are missing.
pub fn read_header<R: Read>(
    rdr: &mut csv::Reader<R>,
    required: &[&str],
) -> Result<(Vec<String>, std::collections::HashMap<String, usize>), String> {
    let headers: Vec<String> = rdr
        .byte_headers()
        .map_err(|e| format!("could not read the header line: {e}"))?
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{feff}')
                .to_lowercase()
        })
        .collect();
    let missing: Vec<&str> = required
        .iter()
        .filter(|c| !headers.iter().any(|h| h == *c))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "the header line is missing the column(s) {}. The file must start with: {}",
            missing.join(", "),
            required.join(",")
        ));
    }
    let index = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.clone(), i))
        .collect();
    Ok((headers, index))
}

/// A row's fields as text, or why the row cannot be used: not UTF-8, or the wrong number of
/// fields for the header.
pub fn row_fields(record: &csv::ByteRecord, columns: usize) -> Result<Vec<&str>, String> {
    let fields = record
        .iter()
        .map(std::str::from_utf8)
        .collect::<Result<Vec<&str>, _>>()
        .map_err(|_| {
            "the row is not UTF-8 text: save the file as CSV UTF-8 and import it again".to_string()
        })?;
    if fields.len() != columns {
        return Err(format!(
            "the row has {} fields but the header has {columns}",
            fields.len()
        ));
    }
    Ok(fields)
}

/// What reading a CSV file's next row gave.
pub enum NextRow<'r> {
    End,
    /// A row with its line number and as many fields as the header.
    Row {
        line: u64,
        fields: Vec<&'r str>,
    },
    /// A row that is not CSV, not UTF-8 or the wrong width: reported, and the import goes on.
    Bad {
        line: u64,
        why: String,
    },
}

/// Reads the next row into `record`. Err (with the line) only when the file itself cannot be
/// read, which stops the import.
pub fn next_row<'r, R: Read>(
    rdr: &mut csv::Reader<R>,
    record: &'r mut csv::ByteRecord,
    columns: usize,
) -> Result<NextRow<'r>, String> {
    let line = rdr.position().line() + 1;
    match rdr.read_byte_record(record) {
        Ok(false) => return Ok(NextRow::End),
        Ok(true) => {}
        Err(e) => {
            if let csv::ErrorKind::Io(io) = e.kind() {
                return Err(format!("line {line}: {io}"));
            }
            return Ok(NextRow::Bad {
                line,
                why: format!("unreadable CSV: {e}"),
            });
        }
    }
    let line = record.position().map(|p| p.line()).unwrap_or(line);
    Ok(match row_fields(record, columns) {
        Ok(fields) => NextRow::Row { line, fields },
        Err(why) => NextRow::Bad { line, why },
    })
}
