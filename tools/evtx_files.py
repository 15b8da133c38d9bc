"""EVTX files made of real chunks, for the EVTX test and benchmark: the chunks
of a recording, and a file of given chunks behind a file header whose chunk
count and checksum are fixed up."""
import struct
import zlib

HEADER = 4096
CHUNK = 65536


def chunks_of(path):
    """The written chunks of an EVTX file (their signature is there)."""
    with open(path, "rb") as f:
        data = f.read()
    chunks = []
    for k in range((len(data) - HEADER) // CHUNK):
        chunk = data[HEADER + k * CHUNK:HEADER + (k + 1) * CHUNK]
        if chunk[:8] == b"ElfChnk\0":
            chunks.append(chunk)
    return chunks


def write_evtx(path, header_from, chunks):
    """The file header of header_from, counting len(chunks), then the chunks."""
    with open(header_from, "rb") as f:
        header = bytearray(f.read(HEADER))
    struct.pack_into("<H", header, 42, min(len(chunks), 65535))
    struct.pack_into("<I", header, 124, zlib.crc32(bytes(header[:120])))
    with open(path, "wb") as out:
        out.write(header)
        for chunk in chunks:
            out.write(chunk)
    return HEADER + CHUNK * len(chunks)
