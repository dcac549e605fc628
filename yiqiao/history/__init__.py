"""The demo district's life: two to three years of events, projects, needs and translational
projects made by every app's own services under a simulated clock (see ``generator``).

This package sits above the domain apps (it calls their services, none imports it); it only
feeds ``yiqiao demo`` through the demo generator registry.
"""
