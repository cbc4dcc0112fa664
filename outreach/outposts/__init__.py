"""Village reading rooms (农家书屋) and the book bus: places away from the central library, each
looked after by a keeper (管理员) who records from a phone the activities held there and the
visitors counted each day. Activities are events of the place's room with a headcount, so the
reports count them like any other; the daily visitor counts are reported per place."""
