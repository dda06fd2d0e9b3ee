//! shipshape-facts (placeholder until its first module lands).
