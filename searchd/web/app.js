/* The search page (placeholder; the full page follows). */
