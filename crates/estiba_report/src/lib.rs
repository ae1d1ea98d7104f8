//! Report emitters.
