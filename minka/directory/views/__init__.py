"""The directory's views, by area: ``public`` (the directory and its exports), ``manage`` (the
coordinators' pages), ``mydata`` ("Mis datos" and the register of data-rights requests),
``invitations`` (invitations to represent an organization)."""
