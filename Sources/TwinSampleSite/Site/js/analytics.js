// Sample analytics stub: records nothing.
window.dataLayer = window.dataLayer || [];
