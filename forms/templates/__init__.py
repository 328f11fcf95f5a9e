"""Built-in templates of the official forms (.docx) and the script that writes them."""
