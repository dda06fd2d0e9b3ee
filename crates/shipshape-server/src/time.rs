//! The server's clock and time formats: Unix seconds inside, RFC 3339 outside.

/// Now, in Unix seconds.
pub fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// A Unix time as RFC 3339 (UTC); the raw number when out of range.
pub fn rfc3339(secs: i64) -> String {
    jiff::Timestamp::from_second(secs)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| secs.to_string())
}

/// Parses an expiry given on the command line: a date (`2027-03-31`, meaning the
/// end of that day, UTC) or an RFC 3339 time.
pub fn parse_expiry(s: &str) -> Result<i64, String> {
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Ok(t.as_second());
    }
    let date: jiff::civil::Date = s
        .parse()
        .map_err(|e| format!("{s:?} is neither a date (YYYY-MM-DD) nor an RFC 3339 time: {e}"))?;
    let end = jiff::tz::TimeZone::UTC
        .to_timestamp(date.to_datetime(jiff::civil::Time::MAX))
        .map_err(|e| format!("{s:?}: {e}"))?;
    Ok(end.as_second())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_dates_mean_the_end_of_the_day() {
        assert_eq!(parse_expiry("1970-01-02").unwrap(), 86400 + 86399);
        assert_eq!(parse_expiry("1970-01-01T00:01:00Z").unwrap(), 60);
        assert!(parse_expiry("tomorrow").is_err());
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }
}
