"""Import the minutes people already write (text, PDF, DOCX, ODT) into structured minutes."""
