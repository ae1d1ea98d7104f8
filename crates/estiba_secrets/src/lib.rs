//! Secret detection by value and by name.
