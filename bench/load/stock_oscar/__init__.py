"""Stock django-oscar, as its documentation sets up a new project: the comparison for the load benchmark."""
