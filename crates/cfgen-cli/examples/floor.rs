//! The floor `scripts/bench` compares `cfgen build` with: a process that reads the input and
//! writes an output of a given size, with nothing in between.
//!
//! Usage: floor INPUT OUTPUT_BYTES OUTPUT_FILE [--all-files]
//!
//! With `--all-files` it also reads every file under INPUT's folder, as `cfgen build` must to
//! hash the code it packages (the handler files are part of a build's input).

use std::io::Write;
use std::path::Path;

fn read_all(dir: &Path, total: &mut usize) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            read_all(&e.path(), total);
        } else if let Ok(b) = std::fs::read(e.path()) {
            *total += b.len();
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (input, size, output, all) = match args.as_slice() {
        [_, i, s, o] => (i, s, o, false),
        [_, i, s, o, flag] if flag == "--all-files" => (i, s, o, true),
        _ => {
            eprintln!("usage: floor INPUT OUTPUT_BYTES OUTPUT_FILE [--all-files]");
            std::process::exit(2);
        }
    };
    let text = std::fs::read(input).expect("read input");
    let mut read = text.len();
    if all {
        read_all(Path::new(input).parent().unwrap_or(Path::new(".")), &mut read);
    }
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
    std::hint::black_box((text, read));
}
