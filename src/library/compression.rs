//! Article details (body and links) as the cache stores them: zstd-compressed, with a dictionary
//! trained on the library's own articles once there are enough of them. Articles of one library
//! share most of their phrasing and structure, so a dictionary shrinks them two to three times
//! more than compressing each alone.

use zstd::dict::DecoderDictionary;

/// zstd's default level: fast to write, and reading an article is instant either way.
const LEVEL: i32 = 3;
/// How many articles a dictionary is trained on, and so how many a refresh holds back, encoded
/// but not yet stored, until it has one.
pub const TRAIN_ON: usize = 1024;
/// zstd's own suggestion for a dictionary size.
const DICTIONARY_BYTES: usize = 110 * 1024;
/// More than any article's details can decompress to (files are capped at 4 MiB).
const MAX_PLAIN_BYTES: usize = 16 * 1024 * 1024;

/// A trained dictionary loaded into one zstd context, reused for every article a refresh
/// stores; `id` is the dictionary's row in the cache.
pub struct Compressor {
    pub id: i64,
    context: zstd::bulk::Compressor<'static>,
}

impl Compressor {
    pub fn new(id: i64, dictionary: &[u8]) -> Self {
        Self {
            id,
            context: zstd::bulk::Compressor::with_dictionary(LEVEL, dictionary)
                .expect("a trained dictionary loads"),
        }
    }

    pub fn compress(&mut self, plain: &[u8]) -> Vec<u8> {
        self.context
            .compress(plain)
            .expect("compressing into a growable buffer cannot fail")
    }
}

/// Compression without a dictionary: for a library too small to train one.
pub fn compress_alone(plain: &[u8]) -> Vec<u8> {
    zstd::bulk::compress(plain, LEVEL).expect("compressing into a growable buffer cannot fail")
}

/// A dictionary from `samples`, or `None` when zstd finds nothing worth sharing in them.
pub fn train(samples: &[&[u8]]) -> Option<Vec<u8>> {
    zstd::dict::from_samples(samples, DICTIONARY_BYTES).ok()
}

pub struct Decompressor {
    dictionary: Option<DecoderDictionary<'static>>,
}

impl Decompressor {
    pub fn new(dictionary: Option<&[u8]>) -> Self {
        Self {
            dictionary: dictionary.map(DecoderDictionary::copy),
        }
    }

    pub fn decompress(&self, data: &[u8]) -> Result<Vec<u8>, String> {
        let capacity = zstd::bulk::Decompressor::upper_bound(data)
            .unwrap_or(MAX_PLAIN_BYTES)
            .min(MAX_PLAIN_BYTES);
        let mut decompressor = match &self.dictionary {
            Some(dictionary) => zstd::bulk::Decompressor::with_prepared_dictionary(dictionary),
            None => zstd::bulk::Decompressor::new(),
        }
        .map_err(|error| error.to_string())?;
        decompressor
            .decompress(data, capacity)
            .map_err(|error| error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(n: usize) -> Vec<u8> {
        format!(
            "## Overview\n\nReport number {n} on the markets. Traders watched funding rates and \
             open interest while spot volumes rose {} percent.\n\n## What happened\n\nDesk {n} \
             noted inflows into exchange-traded funds for a {} day in a row.\n",
            n % 17,
            n % 5
        )
        .into_bytes()
    }

    #[test]
    fn a_trained_dictionary_round_trips_and_shrinks_similar_texts() {
        let samples: Vec<Vec<u8>> = (0..TRAIN_ON).map(article).collect();
        let samples: Vec<&[u8]> = samples.iter().map(Vec::as_slice).collect();
        let dictionary = train(&samples).expect("a dictionary");
        let mut compressor = Compressor::new(1, &dictionary);
        let decompressor = Decompressor::new(Some(&dictionary));
        let text = article(5000);
        let with = compressor.compress(&text);
        let alone = compress_alone(&text);
        assert!(
            with.len() * 2 < alone.len(),
            "{} vs {}",
            with.len(),
            alone.len()
        );
        assert_eq!(decompressor.decompress(&with).unwrap(), text);
        assert_eq!(Decompressor::new(None).decompress(&alone).unwrap(), text);
        // The wrong dictionary is an error, not garbage.
        assert!(Decompressor::new(None).decompress(&with).is_err());
    }
}
