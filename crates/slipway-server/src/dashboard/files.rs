//! The dashboard's built bundle, embedded: written by `cargo xtask web` from what the build put in
//! `assets/dashboard/`. Do not edit; CI fails when it differs from a fresh build.

use crate::embedded::{EmbeddedFile, Stored};

/// `index.html`, which loads the assets below.
pub const INDEX: EmbeddedFile = EmbeddedFile {
    path: "index.html",
    content_type: "text/html; charset=utf-8",
    stored: Stored::Plain(include_bytes!("../../assets/dashboard/index.html")),
};

/// Every other file of the bundle; the names carry a hash of their content.
pub const ASSETS: [EmbeddedFile; 2] = [
    EmbeddedFile {
        path: "assets/index-BVQ5en8j.js",
        content_type: "text/javascript; charset=utf-8",
        stored: Stored::Plain(include_bytes!("../../assets/dashboard/assets/index-BVQ5en8j.js")),
    },
    EmbeddedFile {
        path: "assets/index-jvAAlJOn.css",
        content_type: "text/css; charset=utf-8",
        stored: Stored::Plain(include_bytes!("../../assets/dashboard/assets/index-jvAAlJOn.css")),
    },
];
