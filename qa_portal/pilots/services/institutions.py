"""Institution services: create and edit institutions, link and unlink their HEI users."""
