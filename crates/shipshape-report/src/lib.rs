//! shipshape-report (placeholder until its first module lands).
