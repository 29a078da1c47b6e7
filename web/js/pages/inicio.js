// The home page is static; this module only loads the shared stylesheet's behaviour (nothing to fetch).
