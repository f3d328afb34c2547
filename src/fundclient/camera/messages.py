"""Every sentence the camera shows or raises, in Arabic and English (one source of truth).

Hints are short and addressed to the person in front of the camera (or the clerk guiding
them); plain words an elderly beneficiary understands.
"""

from __future__ import annotations

from fundclient.errors import Message

# --- live-check hints ---------------------------------------------------------------------
NO_FACE = Message("لا يوجد وجه", "No face found")
SEVERAL_FACES = Message("يوجد أكثر من وجه، يجب أن يظهر شخص واحد فقط",
                        "More than one face: only one person should be in the picture")
MOVE_CLOSER = Message("اقترب من الكاميرا", "Move closer to the camera")
MOVE_BACK = Message("ابتعد قليلاً عن الكاميرا", "Move back a little from the camera")
CENTRE_FACE = Message("ضع الوجه داخل الإطار", "Put the face inside the frame")
TOO_DARK = Message("الإضاءة ضعيفة", "The light is too weak")
TOO_BRIGHT = Message("الإضاءة قوية جداً", "The light is too strong")
BACKLIT = Message("الضوء خلف الشخص", "The light is behind the person")
BLURRED = Message("الصورة غير واضحة، ثبّت الكاميرا", "The picture is blurred: hold the camera still")
LOOK_STRAIGHT = Message("انظر إلى الكاميرا مباشرة", "Look straight at the camera")
ALL_GOOD = Message("ممتاز، ابقَ ثابتاً", "Good, hold still")
# --- imported pictures (said to the clerk about the file, not to a person at a camera) --------
PICTURE_FACE_SMALL = Message("الوجه صغير جداً في هذه الصورة، اختر صورة يظهر فيها الوجه أكبر",
                             "The face is too small in this picture: choose one where the face is larger")
PICTURE_LOW_RESOLUTION = Message("دقة الصورة منخفضة جداً، استخدم صورة أكبر أو امسحها بدقة أعلى",
                                 "The picture is too small: use a larger one or scan it at a higher resolution")
PICTURE_HEAD_CUT = Message("الرأس مقصوص أو كبير جداً في هذه الصورة",
                           "The head is cut off or too large in this picture")
PICTURE_OFF_CENTRE = Message("الوجه ليس في وسط الصورة أو جزء منه خارجها",
                             "The face is not in the middle of the picture, or part of it is outside")
EYES_NOT_FOUND = Message("لم يتم التحقق من العينين (نظارة؟)", "Eyes not checked (glasses?)")

# --- camera status ------------------------------------------------------------------------
CAMERA_NOT_FOUND = Message("لم يتم العثور على الكاميرا {name}. تأكد من توصيلها",
                           "Camera {name} was not found. Check that it is plugged in")
CAMERA_BUSY = Message("الكاميرا {name} لا تعمل أو يستخدمها برنامج آخر",
                      "Camera {name} does not respond or another program is using it")
CAMERA_LOST = Message("انقطع الاتصال بالكاميرا، جارٍ إعادة المحاولة…",
                      "The camera was disconnected; trying again…")
CAMERA_BACK = Message("عادت الكاميرا للعمل", "The camera is working again")
SOURCE_NOT_FOUND = Message("الملف أو المجلد غير موجود: {path}", "File or folder not found: {path}")
SOURCE_EMPTY = Message("لا توجد صور في: {path}", "No pictures in: {path}")
IMAGE_UNREADABLE = Message("تعذّرت قراءة الصورة: {path}", "The picture cannot be read: {path}")
NO_FACE_TO_CROP = Message("لا يوجد وجه في الصورة لقصّها", "There is no face in the picture to crop")
