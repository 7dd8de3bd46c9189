//! Golden-sample photo processing (pure computation).
