//! Deviation statistics and process capability (pure computation).
