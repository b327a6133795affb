//! Writes a library folder as one RSS 2.0 file, so newsboat can read the same articles through a
//! `file://` URL and be measured beside tidings:
//!
//! `cargo run --release --example corpus_rss -- LIBRARY OUT.xml`
//!
//! Each article becomes an item with its title, link, id, date, tags and its Markdown body as the
//! description; files tidings cannot parse are left out.

use std::io::Write;
use std::path::Path;

use tidings::article::parse_article;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args_os().skip(1);
    let (Some(library), Some(out)) = (args.next(), args.next()) else {
        eprintln!("usage: corpus_rss LIBRARY OUT.xml");
        std::process::exit(2);
    };
    let mut files = Vec::new();
    collect(Path::new(&library), &mut files)?;
    files.sort();
    let mut out = std::io::BufWriter::new(std::fs::File::create(out)?);
    writeln!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>tidings corpus</title><link>https://example.invalid/</link>\
         <description>generated articles</description>"
    )?;
    let mut written = 0;
    for path in &files {
        let bytes = std::fs::read(path)?;
        let display = path.display().to_string();
        let Ok(parsed) = parse_article(&display, &display, &bytes) else {
            continue;
        };
        let article = parsed.article;
        let link = parsed
            .details
            .canonical_url
            .unwrap_or_else(|| format!("file://{}", path.display()));
        write!(
            out,
            "<item><title>{}</title><link>{}</link><guid isPermaLink=\"false\">{}</guid>",
            cdata(&article.title),
            cdata(&link),
            cdata(&article.id.0),
        )?;
        if let Some(at) = article.published_at {
            write!(out, "<pubDate>{}</pubDate>", at.to_rfc2822())?;
        }
        for tag in &article.tags {
            write!(out, "<category>{}</category>", cdata(tag))?;
        }
        writeln!(
            out,
            "<description>{}</description></item>",
            cdata(&parsed.details.body)
        )?;
        written += 1;
    }
    writeln!(out, "</channel></rss>")?;
    out.flush()?;
    eprintln!("{written} articles of {} files", files.len());
    Ok(())
}

fn collect(dir: &Path, files: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "md") {
            files.push(path);
        }
    }
    Ok(())
}

/// Text as XML character data that cannot end early.
fn cdata(text: &str) -> String {
    format!("<![CDATA[{}]]>", text.replace("]]>", "]]]]><![CDATA[>"))
}
