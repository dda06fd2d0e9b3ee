//! shipshape-probe (placeholder until its first module lands).
