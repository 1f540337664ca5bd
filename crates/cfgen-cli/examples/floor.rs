//! The floor `scripts/bench` compares `cfgen build` with: a process that reads the input file
//! and writes an output of a given size, with nothing in between.
//!
//! Usage: floor INPUT OUTPUT_BYTES OUTPUT_FILE

use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, size, output] = args.as_slice() else {
        eprintln!("usage: floor INPUT OUTPUT_BYTES OUTPUT_FILE");
        std::process::exit(2);
    };
    let text = std::fs::read(input).expect("read input");
    let n: usize = size.parse().expect("size");
    let mut out = std::io::BufWriter::new(std::fs::File::create(output).expect("create output"));
    let chunk = vec![b' '; 64 * 1024];
    let mut left = n;
    while left > 0 {
        let k = left.min(chunk.len());
        out.write_all(&chunk[..k]).expect("write");
        left -= k;
    }
    out.flush().expect("flush");
    std::hint::black_box(text);
}
