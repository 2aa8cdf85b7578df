//! Archive generator.
