//! Process metrics (`process_*`, as the Prometheus client libraries export them)
//! read from `/proc/self` on Linux; nothing elsewhere.

/// One reading of the process's resources.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub cpu_seconds: f64,
    pub resident_bytes: f64,
    pub start_time_seconds: f64,
    pub open_fds: f64,
}

/// Clock ticks per second and page size: the values of every Linux platform
/// shipshape is built for (reading them exactly would need libc).
const TICKS: f64 = 100.0;
const PAGE: f64 = 4096.0;

/// Reads the sample, or `None` where `/proc` is not there.
pub fn sample() -> Option<Sample> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // rest starts at field 3 (state): utime is field 14, stime 15, starttime 22, rss 24.
    let num = |field: usize| f.get(field - 3).and_then(|v| v.parse::<f64>().ok());
    let boot = std::fs::read_to_string("/proc/stat").ok().and_then(|s| {
        s.lines()
            .find_map(|l| l.strip_prefix("btime "))
            .and_then(|v| v.trim().parse::<f64>().ok())
    })?;
    let open_fds = std::fs::read_dir("/proc/self/fd").ok()?.count() as f64;
    Some(Sample {
        cpu_seconds: (num(14)? + num(15)?) / TICKS,
        resident_bytes: num(24)? * PAGE,
        start_time_seconds: boot + num(22)? / TICKS,
        open_fds,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(target_os = "linux")]
    fn reads_this_process() {
        let s = super::sample().expect("/proc is there on Linux");
        assert!(s.resident_bytes > 0.0);
        assert!(s.open_fds >= 3.0);
        assert!(s.start_time_seconds > 1.0e9);
        assert!(s.cpu_seconds >= 0.0);
    }
}
