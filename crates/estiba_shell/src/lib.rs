//! POSIX shell parser and command model for analysing RUN instructions.
