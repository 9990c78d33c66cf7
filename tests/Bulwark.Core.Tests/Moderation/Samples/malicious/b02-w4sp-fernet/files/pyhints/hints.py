def hint(x):
    return x
