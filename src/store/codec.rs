//! How one object's bytes are compressed: the stream a pack (or a loose file) holds.
//!
//! New objects are LZ4 blocks: [`LZ4_MAGIC`], the uncompressed length (u32,
//! little-endian), then the block. LZ4 compresses config text to about half, several
//! times faster than deflate, and inflates an order of magnitude faster; the store still
//! takes well under half the tree's size. Objects written before it are zlib streams,
//! and are read as they always were.
//!
//! The two are told apart by the first byte: a zlib stream's first byte has the
//! compression method 8 in its low four bits, the magic's `D` (0x44) has 4. Either way
//! nothing is trusted: inflation stops at the bound the caller gives, and the caller
//! checks the bytes against their hash.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;

/// Starts an LZ4 object.
const LZ4_MAGIC: &[u8; 4] = b"DGL4";

/// Returns the stream that stores `bytes`.
#[cfg(test)]
pub(super) fn compress(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let n = compress_into(bytes, &mut out)?;
    out.truncate(n);
    Ok(out)
}

/// Writes the stream that stores `bytes` to the start of `out` and returns its length.
/// `out` only grows: a buffer kept between objects is not zeroed again for each.
pub(super) fn compress_into(bytes: &[u8], out: &mut Vec<u8>) -> std::io::Result<usize> {
    let Ok(len) = u32::try_from(bytes.len()) else {
        // Past what the length field holds (never a stored file under any sane cap).
        let mut enc = ZlibEncoder::new(
            Vec::with_capacity(bytes.len() / 3 + 64),
            Compression::fast(),
        );
        enc.write_all(bytes)?;
        let z = enc.finish()?;
        if out.len() < z.len() {
            out.resize(z.len(), 0);
        }
        out[..z.len()].copy_from_slice(&z);
        return Ok(z.len());
    };
    let head = LZ4_MAGIC.len() + 4;
    let need = head + lz4_flex::block::get_maximum_output_size(bytes.len());
    if out.len() < need {
        out.resize(need, 0);
    }
    out[..LZ4_MAGIC.len()].copy_from_slice(LZ4_MAGIC);
    out[LZ4_MAGIC.len()..head].copy_from_slice(&len.to_le_bytes());
    let n = lz4_flex::block::compress_into(bytes, &mut out[head..need])
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(head + n)
}

/// Returns the bytes of `stream`, inflating no further than one byte past `max`: a
/// crafted stream could inflate to gigabytes, and anything longer than the object may
/// be is what it is.
pub(super) fn inflate(stream: &[u8], max: u64) -> Result<Vec<u8>, String> {
    let past = || format!("inflates past the {max} bytes it may hold");
    if let Some(rest) = stream.strip_prefix(LZ4_MAGIC) {
        let (len, block) = rest
            .split_first_chunk::<4>()
            .ok_or("does not decompress: the LZ4 header is cut short")?;
        let len = u32::from_le_bytes(*len);
        if u64::from(len) > max {
            return Err(past());
        }
        let mut bytes = vec![0u8; len as usize];
        let n = lz4_flex::block::decompress_into(block, &mut bytes)
            .map_err(|e| format!("does not decompress: {e}"))?;
        if n != bytes.len() {
            return Err(format!(
                "does not decompress: {n} bytes where its header says {len}"
            ));
        }
        return Ok(bytes);
    }
    let mut bytes = Vec::new();
    ZlibDecoder::new(stream)
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("does not decompress: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(past());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zlib(bytes: &[u8]) -> Vec<u8> {
        let mut enc = ZlibEncoder::new(Vec::new(), Compression::fast());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn both_codecs_read_back() {
        for bytes in [&b""[..], b"x", &b"key: value\n".repeat(1000)] {
            let lz = compress(bytes).unwrap();
            assert!(lz.starts_with(LZ4_MAGIC));
            assert_eq!(inflate(&lz, bytes.len() as u64).unwrap(), bytes);
            assert_eq!(inflate(&zlib(bytes), bytes.len() as u64).unwrap(), bytes);
        }
    }

    #[test]
    fn a_kept_buffer_gives_the_same_stream() {
        let mut kept = vec![0xAAu8; 70_000];
        for bytes in [
            &b""[..],
            b"x",
            &b"key: value\n".repeat(1000),
            &[7u8; 100_000],
        ] {
            let n = compress_into(bytes, &mut kept).unwrap();
            assert_eq!(kept[..n], compress(bytes).unwrap());
            assert_eq!(inflate(&kept[..n], bytes.len() as u64).unwrap(), bytes);
        }
    }

    #[test]
    fn no_zlib_stream_starts_with_the_magic() {
        // CMF: compression method 8 in the low nibble, whatever the window size.
        assert_ne!(LZ4_MAGIC[0] & 0x0f, 8);
        for level in 0..=9 {
            let mut enc = ZlibEncoder::new(Vec::new(), Compression::new(level));
            enc.write_all(b"abc").unwrap();
            assert_eq!(enc.finish().unwrap()[0] & 0x0f, 8);
        }
    }

    #[test]
    fn the_bound_holds_before_anything_is_allocated() {
        let big = vec![b'a'; 100_000];
        let lz = compress(&big).unwrap();
        assert!(lz.len() < 1000);
        assert_eq!(
            inflate(&lz, 99_999).unwrap_err(),
            "inflates past the 99999 bytes it may hold"
        );
        assert_eq!(
            inflate(&zlib(&big), 99_999).unwrap_err(),
            "inflates past the 99999 bytes it may hold"
        );
        // A header that claims more than the block holds, or less.
        let mut lying = lz.clone();
        lying[4..8].copy_from_slice(&200_000u32.to_le_bytes());
        assert!(inflate(&lying, 1 << 30).is_err());
        let mut short = lz.clone();
        short[4..8].copy_from_slice(&10u32.to_le_bytes());
        assert!(inflate(&short, 1 << 30).is_err());
        assert!(inflate(&lz[..6], 1 << 30).is_err());
        assert!(inflate(&lz[..lz.len() - 1], 1 << 30).is_err());
    }
}
