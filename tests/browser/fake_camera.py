"""A fake camera for Chromium: a Y4M video of a QR code, for ``--use-file-for-fake-video-capture``.

Chromium plays the file in a loop as the only camera when launched with
``--use-fake-ui-for-media-stream --use-fake-device-for-media-stream`` (see ``camera_args``).
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

WIDTH, HEIGHT = 640, 480
QR_SIZE = 420
FRAMES = 10


def qr_frame(data: str, *, size: int = QR_SIZE) -> Image.Image:
    """A white 640x480 grey image with the QR code of ``data`` in the middle, ``size`` px wide."""
    from outreach.qr import qr_png

    with Image.open(io.BytesIO(qr_png(data))) as code:
        code = code.convert("L").resize((size, size), Image.NEAREST)
    frame = Image.new("L", (WIDTH, HEIGHT), 255)
    frame.paste(code, ((WIDTH - size) // 2, (HEIGHT - size) // 2))
    return frame


def write_y4m(path: Path, image: Image.Image, *, frames: int = FRAMES) -> Path:
    """``image`` as a grey 4:2:0 Y4M clip of ``frames`` frames at 10 fps."""
    image = image.convert("L")
    width, height = image.size
    luma = image.tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with open(path, "wb") as fh:
        fh.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for _ in range(frames):
            fh.write(b"FRAME\n")
            fh.write(luma)
            fh.write(chroma)
            fh.write(chroma)
    return path


def qr_video(path: Path, data: str) -> Path:
    """A Y4M file showing the QR code of ``data``."""
    return write_y4m(path, qr_frame(data))


def camera_args(video: Path) -> list[str]:
    """Chromium's switches that grant the camera without asking and feed it ``video``."""
    return [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
