//! shipshape-checks (placeholder until its first module lands).
