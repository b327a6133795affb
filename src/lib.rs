//! tidings: a terminal reader for Markdown news articles with YAML frontmatter.

pub mod article;
