"""Visit requests (参观预约): a school or organisation asks for a guided visit or a session for its
group; staff accept it into a ``visit`` event, propose another date, or decline."""
