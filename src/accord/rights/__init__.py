"""Data subject rights: requests on the statutory clock, finding a person's data, and carrying out each right."""
