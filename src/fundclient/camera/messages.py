"""Every sentence the camera shows or raises, in Arabic and English (one source of truth).

Hints are short and addressed to the person in front of the camera (or the clerk guiding
them); plain words an elderly beneficiary understands.
"""

from __future__ import annotations

from fundclient.errors import Message

# --- live-check hints ---------------------------------------------------------------------
NO_FACE = Message("No face found")
SEVERAL_FACES = Message("More than one face: only one person should be in the picture")
MOVE_CLOSER = Message("Move closer to the camera")
MOVE_BACK = Message("Move back a little from the camera")
CENTRE_FACE = Message("Put the face inside the frame")
TOO_DARK = Message("The light is too weak")
TOO_BRIGHT = Message("The light is too strong")
BACKLIT = Message("The light is behind the person")
BLURRED = Message("The picture is blurred: hold the camera still")
LOOK_STRAIGHT = Message("Look straight at the camera")
ALL_GOOD = Message("Good, hold still")
# --- imported pictures (said to the clerk about the file, not to a person at a camera) --------
PICTURE_FACE_SMALL = Message("The face is too small in this picture: choose one where the face is larger")
PICTURE_LOW_RESOLUTION = Message("The picture is too small: use a larger one or scan it at a higher resolution")
PICTURE_HEAD_CUT = Message("The head is cut off or too large in this picture")
PICTURE_OFF_CENTRE = Message("The face is not in the middle of the picture, or part of it is outside")
EYES_NOT_FOUND = Message("Eyes not checked (glasses?)")

# --- camera status ------------------------------------------------------------------------
CAMERA_NOT_FOUND = Message("Camera {name} was not found. Check that it is plugged in")
CAMERA_BUSY = Message("Camera {name} does not respond or another program is using it")
CAMERA_LOST = Message("The camera was disconnected; trying again…")
CAMERA_BACK = Message("The camera is working again")
SOURCE_NOT_FOUND = Message("File or folder not found: {path}")
SOURCE_EMPTY = Message("No pictures in: {path}")
IMAGE_UNREADABLE = Message("The picture cannot be read: {path}")
NO_FACE_TO_CROP = Message("There is no face in the picture to crop")
