//! shipshape-engine (placeholder until its first module lands).
