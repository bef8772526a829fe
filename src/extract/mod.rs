//! Extraction: site profiles (data) evaluated over a small DOM trait, so the same profile
//! runs on web-sys in the browser and on parsed HTML natively. Placeholder until it lands.
