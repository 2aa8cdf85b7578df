//! The parser on arbitrary bytes: `parse_bytes` must classify anything
//! (event, article, index page or problem) without panicking, as an index
//! page name or not.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flag, bytes)) = data.split_first() else {
        return;
    };
    let _ = ktimeline::loader::parse_bytes(bytes, flag & 1 == 1);
});
