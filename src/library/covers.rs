//! Cover images on disk: where an article's `coverImage` has a local copy, the download cache
//! `tidings fetch` fills, and decoding within a size the reader can afford.

use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageReader, Limits};
use sha2::{Digest as _, Sha256};

/// The largest cover `tidings fetch` downloads.
pub const MAX_DOWNLOAD_BYTES: u64 = 10 * 1000 * 1000;

/// The largest cover decoded, in pixels a side: a 20000×20000 image would take 1.6 GB.
pub const MAX_SIDE: u32 = 8192;
/// The most memory one decode may take (an 8192×8192 RGBA image is 256 MiB; covers are far
/// smaller, and one this large is refused rather than allowed to crowd the reader).
const MAX_DECODED_BYTES: u64 = 128 * 1024 * 1024;

/// The download cache beside the cache database.
pub fn covers_dir(cache_db: &Path) -> PathBuf {
    cache_db.with_file_name("covers")
}

/// The cached download of `url`: named by its SHA-256, so any URL is a safe file name, with the
/// URL's own extension when it is an image one (the decoder still looks at the bytes).
pub fn cached_path(covers: &Path, url: &str) -> PathBuf {
    let digest = Sha256::digest(url.as_bytes());
    let name: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let extension = path
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .filter(|ext| matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "gif" | "webp"))
        .unwrap_or_else(|| "img".to_owned());
    covers.join(format!("{name}.{extension}"))
}

/// Whether `cover` is downloaded by `tidings fetch` (and looked for in the cache).
pub fn is_remote(cover: &str) -> bool {
    let lower = cover.get(..8).unwrap_or(cover).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// A local file holding `cover` (of the article read from `article_path`): the path itself
/// (absolute, or relative to the article's folder), a `file://` URL, or the cached download of an
/// http(s) URL. `None` when there is no such file: nothing here touches the network.
pub fn local_cover(cover: &str, article_path: &Path, covers: &Path) -> Option<PathBuf> {
    let cover = cover.trim();
    if cover.is_empty() {
        return None;
    }
    let path = if is_remote(cover) {
        cached_path(covers, cover)
    } else if cover
        .get(..7)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("file://"))
    {
        url::Url::parse(cover).ok()?.to_file_path().ok()?
    } else if cover.contains("://") || cover.starts_with("data:") {
        return None;
    } else {
        let path = Path::new(cover);
        if path.is_absolute() {
            path.to_owned()
        } else {
            article_path.parent()?.join(path)
        }
    };
    path.is_file().then_some(path)
}

/// Why a cover was not decoded.
#[derive(Debug, thiserror::Error)]
pub enum CoverError {
    #[error("cannot read the image: {0}")]
    Read(#[from] std::io::Error),
    #[error("the image is {width}×{height}, larger than {MAX_SIDE} a side; not decoded")]
    TooLarge { width: u32, height: u32 },
    #[error("cannot decode the image: {0}")]
    Decode(#[from] image::ImageError),
}

/// Decodes the image at `path`, after its header says it is no larger than [`MAX_SIDE`] a side:
/// a huge image is refused before any of its pixels are read.
pub fn decode(path: &Path) -> Result<DynamicImage, CoverError> {
    let (width, height) = ImageReader::open(path)?
        .with_guessed_format()?
        .into_dimensions()?;
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(CoverError::TooLarge { width, height });
    }
    let mut reader = ImageReader::open(path)?.with_guessed_format()?;
    // The header was read again: it must not claim something else now.
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    Ok(reader.decode()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(path: &Path, width: u32, height: u32) {
        image::RgbImage::from_pixel(width, height, image::Rgb([200, 40, 40]))
            .save(path)
            .unwrap();
    }

    #[test]
    fn a_cover_is_found_beside_the_article_by_url_or_in_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let covers = dir.path().join("covers");
        let news = dir.path().join("news");
        std::fs::create_dir_all(news.join("img")).unwrap();
        std::fs::create_dir_all(&covers).unwrap();
        let article = news.join("a.md");
        png(&news.join("img/a.png"), 2, 2);
        png(&dir.path().join("up.png"), 2, 2);

        assert_eq!(
            local_cover("img/a.png", &article, &covers),
            Some(news.join("img/a.png"))
        );
        // Up and out of the library is the user's own business.
        assert_eq!(
            local_cover("../up.png", &article, &covers),
            Some(news.join("../up.png"))
        );
        let absolute = news.join("img/a.png");
        assert_eq!(
            local_cover(absolute.to_str().unwrap(), &article, &covers),
            Some(absolute.clone())
        );
        let file_url = url::Url::from_file_path(&absolute).unwrap().to_string();
        assert_eq!(local_cover(&file_url, &article, &covers), Some(absolute));

        let remote = "https://images.example.com/photo.JPG?w=800";
        assert_eq!(local_cover(remote, &article, &covers), None);
        let cached = cached_path(&covers, remote);
        assert!(cached.to_str().unwrap().ends_with(".jpg"), "{cached:?}");
        png(&cached, 2, 2);
        assert_eq!(local_cover(remote, &article, &covers), Some(cached));

        assert_eq!(local_cover("img/missing.png", &article, &covers), None);
        assert_eq!(local_cover("img", &article, &covers), None, "a folder");
        assert_eq!(
            local_cover("ftp://example.com/a.png", &article, &covers),
            None
        );
        assert_eq!(local_cover("", &article, &covers), None);
    }

    #[test]
    fn a_huge_image_is_refused_from_its_header() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small.png");
        png(&small, 3, 2);
        let decoded = decode(&small).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (3, 2));

        // A 20000×20000 PNG with no pixel data: decoding it would fail differently (and, were
        // its data there, take 1.2 GB); its header alone must refuse it.
        let mut file = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut chunk = |kind: &[u8], data: &[u8]| {
            let mut body = kind.to_vec();
            body.extend_from_slice(data);
            file.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
            file.extend_from_slice(&body);
            file.extend_from_slice(&crc32(&body).to_be_bytes());
        };
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&20000u32.to_be_bytes());
        ihdr.extend_from_slice(&20000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        chunk(b"IHDR", &ihdr);
        chunk(b"IDAT", &[]);
        chunk(b"IEND", &[]);
        let huge = dir.path().join("huge.png");
        std::fs::write(&huge, file).unwrap();
        assert!(
            matches!(
                decode(&huge),
                Err(CoverError::TooLarge {
                    width: 20000,
                    height: 20000
                })
            ),
            "{:?}",
            decode(&huge)
        );
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
