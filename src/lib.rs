//! tidings: a terminal reader for Markdown news articles with YAML frontmatter.

pub mod app;
pub mod article;
pub mod cli;
pub mod commands;
pub mod config;
pub mod feeds;
pub mod library;
pub mod setup;
pub mod tui;
pub mod ui;
