//! Dockerfile rule catalogue and lint engine.
