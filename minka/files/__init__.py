"""Files: what a file is (from its bytes), and what it says (text, pages, previews), read in a
sandboxed child process with memory, CPU and time limits and no network."""
