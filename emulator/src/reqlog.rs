//! The request log exposed at `GET /_emulator/requests`: method, path (no query), grant type,
//! status, origin and time. Never a token, code, verifier, password or query string.

use serde::Serialize;

/// One logged request.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LogEntry {
    /// 1-based sequence number (reset by `DELETE /_emulator/requests` and reset).
    pub seq: u64,
    /// HTTP method.
    pub method: String,
    /// Path without the query string.
    pub path: String,
    /// `grant_type` of a `/user_management/authenticate` body.
    pub grant_type: Option<String>,
    /// Response status; `0` when the connection was dropped before any handler ran.
    pub status: u16,
    /// `Origin` request header.
    pub origin: Option<String>,
    /// Emulator time (clock offset included) when the request arrived, epoch ms.
    pub at_ms: i64,
    /// Handling time, ms.
    pub latency_ms: u64,
    /// The `X-Request-ID` of the response.
    pub request_id: String,
    /// True when a fault dropped the connection (no response reached the client).
    pub dropped: bool,
}

/// The log (bounded to the last 10 000 entries).
#[derive(Debug, Default)]
pub struct RequestLog {
    next_seq: u64,
    entries: std::collections::VecDeque<LogEntry>,
}

impl RequestLog {
    /// Append; assigns `seq`.
    pub fn push(&mut self, mut entry: LogEntry) {
        self.next_seq += 1;
        entry.seq = self.next_seq;
        if self.entries.len() >= 10_000 {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    /// Entries, oldest first.
    pub fn entries(&self) -> Vec<LogEntry> {
        self.entries.iter().cloned().collect()
    }

    /// Clear and restart numbering.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.next_seq = 0;
    }
}
