"""Status lists: W3C Bitstring Status List and the 1EdTech Revocation List, read and written."""
