//! Lossless, error-recovering Dockerfile parser faithful to BuildKit.
