"""Email: rendering (render.py, message.py) and delivery (delivery.py, smtp.py).

What the app tells people, and when, is webinar.notifications; the loop that
delivers is webinar.jobs.
"""
