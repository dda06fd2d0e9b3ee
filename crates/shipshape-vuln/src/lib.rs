//! shipshape-vuln (placeholder until its first module lands).
