//! shipshape-secrets (placeholder until its first module lands).
