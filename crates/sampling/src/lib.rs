//! ISO 2859-1 sampling plans and operating characteristics (pure computation).
